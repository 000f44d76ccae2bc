import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Container } from '@flotilla/contracts/core';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { container } from '../../testing/fixtures';
import { ContainerActionButtonsComponent } from './container-action-buttons.component';
import { ContainerActionsService } from './container-actions.service';

@Component({
  imports: [ContainerActionButtonsComponent],
  template: `
    <flo-container-action-buttons
      [container]="c()"
      [layout]="layout()"
      [compact]="true"
      label="web-1"
    >
      <a data-testid="extra-link">Logs</a>
    </flo-container-action-buttons>
  `,
})
class HostComponent {
  readonly c = signal<Container>(container({ state: 'paused' }));
  readonly layout = signal<'inline' | 'menu'>('inline');
}

describe('ContainerActionButtonsComponent', () => {
  let socket: FakeSocket;

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    // As at app start: listening before the gateway says anything.
    TestBed.inject(ContainerActionsService);
    socket.serverConnect();
  });

  afterEach(() => TestBed.resetTestingModule());

  const render = async (layout: 'inline' | 'menu' = 'inline') => {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.componentInstance.layout.set(layout);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const ids = (): string[] =>
      [...el.querySelectorAll('[data-testid]')].map((e) => e.getAttribute('data-testid') ?? '');
    return { fixture, el, ids };
  };

  it('offers Unpause and Stop for a paused container, and the projected link, in either layout', async () => {
    const inline = await render('inline');
    expect(inline.ids()).toEqual([
      'container-action-unpause',
      'container-action-stop',
      'extra-link',
    ]);
    const menu = await render('menu');
    expect(menu.ids()).toEqual([
      'container-actions-menu',
      'container-actions-menu-list',
      'container-action-unpause',
      'container-action-stop',
      'extra-link',
    ]);
    expect(
      menu.el.querySelector('[data-testid=container-actions-menu]')?.getAttribute('aria-expanded'),
    ).toBe('false');
  });

  it('keeps each layout’s own markup: small named buttons in a row, plain items in the menu', async () => {
    const attrs = (el: HTMLElement) => {
      const b = el.querySelector<HTMLElement>('[data-testid=container-action-stop]');
      return [b?.className, b?.getAttribute('tabindex'), b?.getAttribute('aria-label')];
    };
    expect(attrs((await render('inline')).el)).toEqual([
      'button button--small button--danger-quiet',
      '-1',
      'Stop web-1',
    ]);
    expect(attrs((await render('menu')).el)).toEqual([
      'button action-menu__item button--danger-quiet',
      null,
      null,
    ]);
  });

  it('shows a viewer no action at all, but still the link', async () => {
    socket.serverSend('connection_established', {
      message: 'hi',
      protocol_version: 1,
      server_id: 's1',
      user: 'vic',
      actions: [],
    });
    const { ids } = await render();
    expect(ids()).toEqual(['extra-link']);
  });

  it('disables the actions while the socket is not connected', async () => {
    const { fixture, el } = await render();
    const buttons = (): HTMLButtonElement[] => [...el.querySelectorAll('button')];
    expect(buttons().every((b) => !b.disabled)).toBe(true);
    socket.serverDisconnect();
    await fixture.whenStable();
    expect(buttons().length).toBe(2);
    expect(buttons().every((b) => b.disabled && b.title === 'Not connected to Flotilla')).toBe(
      true,
    );
  });
});
