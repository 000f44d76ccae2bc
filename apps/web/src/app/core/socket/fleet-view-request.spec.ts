import { TestBed } from '@angular/core/testing';
import { DEFAULT_WEB_CONFIG, WEB_CONFIG } from '../app-config';
import { FleetViewRequest } from './fleet-view-request';

describe('FleetViewRequest', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('asks for everything up to the line, and for the open hosts, stacks and matches over it', () => {
    TestBed.configureTestingModule({
      providers: [{ provide: WEB_CONFIG, useValue: { ...DEFAULT_WEB_CONFIG, fleetViewLine: 50 } }],
    });
    const request = TestBed.inject(FleetViewRequest);
    expect(request.view()).toEqual({ counts: true, up_to: 50 });
    request.openHosts.set(['h1', 'h2']);
    expect(request.view()).toEqual({ counts: true, up_to: 50, hosts: ['h1', 'h2'] });
    request.openProjects.set(['shop']);
    request.foundContainers.set(['a'.repeat(64)]);
    expect(request.view()).toEqual({
      counts: true,
      up_to: 50,
      hosts: ['h1', 'h2'],
      projects: ['shop'],
      containers: ['a'.repeat(64)],
    });
    // What the handshake asked for is remembered: the store compares it with what is open later.
    expect(request.asked).toEqual({
      hosts: ['h1', 'h2'],
      projects: ['shop'],
      containers: ['a'.repeat(64)],
    });
    request.openHosts.set([]);
    expect(request.subscription()).toEqual({
      hosts: [],
      projects: ['shop'],
      containers: ['a'.repeat(64)],
    });
  });
});
