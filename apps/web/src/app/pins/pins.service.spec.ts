import { TestBed } from '@angular/core/testing';
import { PIN_LIMITS, type Pin } from '@flotilla/contracts/core';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid } from '../../testing/fixtures';
import { FETCH } from '../auth/login.service';
import { boundedLine } from './line-pins';
import { PinsService } from './pins.service';

/** Lets the mocked fetch's promises settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const ID = cid('a1');

function pin(note: string): Pin {
  return {
    id: `00000000-0000-4000-8000-${note.padStart(12, '0').slice(-12)}`,
    host_id: HOST_A,
    container_id: ID,
    ts: '2026-01-02T03:04:05.000000001Z',
    line: 'line',
    note,
    user: 'olga',
    created_at: '2026-01-02T03:05:00Z',
  };
}

describe('PinsService', () => {
  let socket: FakeSocket;
  let fetchMock: jest.Mock;
  let answer: (pins: Pin[]) => void;

  beforeEach(() => {
    socket = new FakeSocket();
    fetchMock = jest.fn(
      () =>
        new Promise((resolve) => {
          answer = (pins) =>
            resolve({ ok: true, json: () => Promise.resolve({ host_id: HOST_A, pins }) });
        }),
    );
    TestBed.configureTestingModule({
      providers: [provideFakeSocket(socket), { provide: FETCH, useValue: fetchMock }],
    });
  });

  afterEach(() => TestBed.resetTestingModule());

  it('reads a container’s pins once, then follows the pushes', async () => {
    const service = TestBed.inject(PinsService);
    socket.serverConnect();
    const pins = service.pinsOf(HOST_A, ID);
    expect(fetchMock).toHaveBeenCalledWith(`/api/containers/${HOST_A}/${ID}/pins`, {
      credentials: 'same-origin',
    });
    answer([pin('one')]);
    await settle();
    expect(pins().map((p) => p.note)).toEqual(['one']);
    socket.serverSend('pins', {
      host_id: HOST_A,
      container_id: ID,
      pins: [pin('one'), pin('two')],
    });
    expect(pins().map((p) => p.note)).toEqual(['one', 'two']);
    service.pinsOf(HOST_A, ID);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('keeps a push that arrives while the read is under way over the read’s older answer', async () => {
    const service = TestBed.inject(PinsService);
    socket.serverConnect();
    const pins = service.pinsOf(HOST_A, ID);
    socket.serverSend('pins', { host_id: HOST_A, container_id: ID, pins: [pin('new')] });
    answer([]);
    await settle();
    expect(pins().map((p) => p.note)).toEqual(['new']);
  });

  it('reads again after a reconnect', () => {
    const service = TestBed.inject(PinsService);
    socket.serverConnect();
    service.pinsOf(HOST_A, ID);
    socket.serverDisconnect();
    socket.serverConnect();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('offers pinning only when the gateway says the role may', () => {
    const service = TestBed.inject(PinsService);
    socket.serverConnect();
    expect(service.canPin()).toBe(false);
    socket.serverSend('connection_established', {
      message: 'hi',
      protocol_version: 1,
      server_id: 's',
      user: 'olga',
      pin_lines: true,
    });
    expect(service.canPin()).toBe(true);
  });
});

describe('boundedLine', () => {
  it('cuts a line to the contract’s bytes on a whole character', () => {
    const long = 'é'.repeat(PIN_LIMITS.lineBytes);
    const cut = boundedLine(long);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(PIN_LIMITS.lineBytes);
    expect(cut).toBe('é'.repeat(PIN_LIMITS.lineBytes / 2));
    expect(boundedLine('short')).toBe('short');
  });
});
