import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import { ContainerLookupPageComponent } from './container-lookup-page.component';

describe('ContainerLookupPageComponent', () => {
  let socket: FakeSocket;

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket), provideRouter([])] });
  });

  afterEach(() => TestBed.resetTestingModule());

  async function open(ref: string): Promise<{ el: HTMLElement; navigate: jest.SpyInstance }> {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const fixture = TestBed.createComponent(ContainerLookupPageComponent);
    fixture.componentRef.setInput('ref', ref);
    socket.serverConnect();
    socket.serverSend('initial_state', {
      containers: [
        container({ container_id: cid('a1'), name: 'web' }),
        container({ container_id: cid('b2'), host_id: HOST_B, name: '/web' }),
        container({ container_id: cid('c3'), name: 'db' }),
      ],
      hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B })],
      position: {},
    });
    await fixture.whenStable();
    return { el: fixture.nativeElement as HTMLElement, navigate };
  }

  it('opens the one container a name designates, keeping the name in the link', async () => {
    const { navigate } = await open('db');
    expect(navigate).toHaveBeenCalledWith(['/containers', HOST_A, 'db'], { replaceUrl: true });
  });

  it('asks which one when several hosts have a container of that name', async () => {
    const { el, navigate } = await open('web');
    expect(navigate).not.toHaveBeenCalled();
    const choices = [...el.querySelectorAll<HTMLAnchorElement>('[data-testid=container-choice]')];
    expect(choices.map((a) => a.textContent?.trim())).toEqual([
      `web on ${HOST_A}`,
      `web on ${HOST_B}`,
    ]);
    expect(choices[1]?.getAttribute('href')).toBe(`/containers/${HOST_B}/${cid('b2')}`);
  });

  it('says so when nothing matches', async () => {
    const { el, navigate } = await open('nope');
    expect(navigate).not.toHaveBeenCalled();
    expect(el.querySelector('[data-testid=container-missing]')?.textContent).toContain('“nope”');
  });
});
