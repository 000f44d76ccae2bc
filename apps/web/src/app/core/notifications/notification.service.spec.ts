import { TestBed } from '@angular/core/testing';
import { LIFETIME_MS, NotificationService } from './notification.service';

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

  const messages = (): string[] => service.notifications().map((n) => n.message);

  it('lets every kind fade after a few seconds, errors too', () => {
    service.showNotification({ type: 'error', message: 'boom' });
    service.showNotification({ type: 'info', message: 'fyi' });
    jest.advanceTimersByTime(LIFETIME_MS.info);
    expect(messages()).toEqual(['boom']);
    jest.advanceTimersByTime(LIFETIME_MS.error - LIFETIME_MS.info);
    expect(messages()).toEqual([]);
    expect(Math.max(...Object.values(LIFETIME_MS))).toBeLessThanOrEqual(10_000);
  });

  it('keeps a sticky notice until it is dismissed', () => {
    const id = service.showNotification({ type: 'info', message: 'read me', sticky: true });
    jest.advanceTimersByTime(10 * 60_000);
    expect(messages()).toEqual(['read me']);
    service.dismiss(id);
    expect(messages()).toEqual([]);
  });

  it('takes down a notice by its key once its cause is over', () => {
    service.showNotification({ type: 'error', message: 'refused', key: 'k', sticky: true });
    service.dismissKey('other');
    expect(messages()).toEqual(['refused']);
    service.dismissKey('k');
    expect(messages()).toEqual([]);
  });

  it('holds a notice while it is being read, then gives it its full lifetime again', () => {
    const id = service.error('boom');
    jest.advanceTimersByTime(LIFETIME_MS.error - 1);
    service.hold(id, 'pointer');
    jest.advanceTimersByTime(60_000);
    expect(messages()).toEqual(['boom']);
    service.release(id, 'pointer');
    jest.advanceTimersByTime(LIFETIME_MS.error - 1);
    expect(messages()).toEqual(['boom']);
    jest.advanceTimersByTime(1);
    expect(messages()).toEqual([]);
  });

  it('holds a notice until both pointer and focus have left it', () => {
    const id = service.error('boom');
    service.hold(id, 'pointer');
    service.hold(id, 'focus');
    service.release(id, 'pointer');
    jest.advanceTimersByTime(60_000);
    expect(messages()).toEqual(['boom']);
    service.release(id, 'focus');
    jest.advanceTimersByTime(LIFETIME_MS.error);
    expect(messages()).toEqual([]);
  });

  it('does not let a repeat start the fade of a notice being read', () => {
    const id = service.error('same');
    service.hold(id, 'pointer');
    service.error('same');
    jest.advanceTimersByTime(60_000);
    expect(service.notifications()).toEqual([expect.objectContaining({ count: 2 })]);
    service.release(id, 'pointer');
    jest.advanceTimersByTime(LIFETIME_MS.error);
    expect(messages()).toEqual([]);
  });

  it('restarts the lifetime of a grouped notice when it repeats', () => {
    service.error('same');
    jest.advanceTimersByTime(LIFETIME_MS.error - 1);
    service.error('same');
    jest.advanceTimersByTime(LIFETIME_MS.error - 1);
    expect(service.notifications()).toEqual([expect.objectContaining({ count: 2 })]);
    jest.advanceTimersByTime(1);
    expect(messages()).toEqual([]);
  });

  it('keeps a group sticky once one of its repeats was', () => {
    service.showNotification({ type: 'info', message: 'x', key: 'k', sticky: true });
    service.showNotification({ type: 'info', message: 'x', key: 'k' });
    jest.advanceTimersByTime(60_000);
    expect(service.notifications()).toEqual([expect.objectContaining({ count: 2, sticky: true })]);
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
