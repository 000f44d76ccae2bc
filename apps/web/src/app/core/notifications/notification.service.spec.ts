import { TestBed } from '@angular/core/testing';
import { NotificationService } from './notification.service';

describe('NotificationService', () => {
  let service: NotificationService;

  beforeEach(() => {
    jest.useFakeTimers();
    service = TestBed.inject(NotificationService);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  it('keeps errors until dismissed and lets info fade', () => {
    const error = service.showNotification({ type: 'error', message: 'boom' });
    service.showNotification({ type: 'info', message: 'fyi' });
    jest.advanceTimersByTime(60_000);
    expect(service.notifications().map((n) => n.message)).toEqual(['boom']);
    service.dismiss(error);
    expect(service.notifications()).toEqual([]);
  });

  it('counts repeats instead of piling them up', () => {
    service.showNotification({ type: 'error', message: 'same' });
    service.showNotification({ type: 'error', message: 'same' });
    service.showNotification({ type: 'error', message: 'same' });
    expect(service.notifications()).toHaveLength(1);
    expect(service.notifications()[0]?.count).toBe(3);
  });

  it('folds the oldest away past fifty, and says how many', () => {
    for (let i = 0; i < 55; i++) service.error(`error ${i}`);
    expect(service.notifications()).toHaveLength(50);
    expect(service.notifications()[0]?.message).toBe('error 5');
    expect(service.folded()).toBe(5);
  });
});
