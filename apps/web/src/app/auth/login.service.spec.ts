import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { FETCH, LoginService } from './login.service';

describe('LoginService', () => {
  let socket: FakeSocket;
  let fetchMock: jest.Mock;
  let service: LoginService;
  let router: Router;

  beforeEach(() => {
    socket = new FakeSocket();
    fetchMock = jest.fn();
    TestBed.configureTestingModule({
      providers: [
        provideFakeSocket(socket),
        provideRouter([]),
        { provide: FETCH, useValue: fetchMock },
      ],
    });
    service = TestBed.inject(LoginService);
    router = TestBed.inject(Router);
    jest.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
  });

  afterEach(() => TestBed.resetTestingModule());

  it('posts the credentials, then connects the socket and opens the fleet', async () => {
    fetchMock.mockResolvedValue({ ok: true, status: 200 });
    expect(await service.login('alice', 'pw')).toBeNull();
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/login',
      expect.objectContaining({ method: 'POST', body: '{"user":"alice","password":"pw"}' }),
    );
    expect(socket.connectCalls).toBe(1);
    expect(router.navigateByUrl).toHaveBeenCalledWith('/');
  });

  it('says why a login failed and stays put', async () => {
    fetchMock.mockResolvedValue({ ok: false, status: 401 });
    expect(await service.login('alice', 'bad')).toBe('Wrong user or password.');
    fetchMock.mockResolvedValue({ ok: false, status: 429 });
    expect(await service.login('alice', 'bad')).toMatch(/Too many/);
    fetchMock.mockResolvedValue({ ok: false, status: 503 });
    expect(await service.login('alice', 'pw')).toBe(
      'The service is unavailable; try again shortly.',
    );
    expect(socket.connectCalls).toBe(0);
  });

  it('offers the login form only where the gateway uses logins (or cannot be asked)', async () => {
    fetchMock.mockResolvedValue({ ok: true, status: 200 });
    expect(await service.loginsUsed()).toBe(true);
    fetchMock.mockResolvedValue({ ok: false, status: 404 });
    expect(await service.loginsUsed()).toBe(false);
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    expect(await service.loginsUsed()).toBe(true);
  });

  it('goes to /login when the handshake is refused as unauthenticated', () => {
    service.watch();
    socket.serverSend('connect_error', new Error('unauthenticated'));
    expect(router.navigateByUrl).toHaveBeenCalledWith('/login');
  });
});
