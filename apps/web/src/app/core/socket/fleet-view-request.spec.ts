import { TestBed } from '@angular/core/testing';
import { DEFAULT_WEB_CONFIG, WEB_CONFIG } from '../app-config';
import { FleetViewRequest } from './fleet-view-request';

describe('FleetViewRequest', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('asks for everything up to the line, and for the open hosts over it', () => {
    TestBed.configureTestingModule({
      providers: [{ provide: WEB_CONFIG, useValue: { ...DEFAULT_WEB_CONFIG, fleetViewLine: 50 } }],
    });
    const request = TestBed.inject(FleetViewRequest);
    expect(request.view()).toEqual({ counts: true, up_to: 50 });
    request.openHosts.set(['h1', 'h2']);
    expect(request.view()).toEqual({ counts: true, up_to: 50, hosts: ['h1', 'h2'] });
  });
});
