import { computed, signal, type Signal } from '@angular/core';
import { PIN_LIMITS, type Pin, type PinLinePayload } from '@flotilla/contracts/core';
import type { FleetStore } from '../fleet/fleet.store';
import type { LogLine } from '../logs/log-line';
import type { LogStream } from '../logs/log-stream';
import type { PinsService } from './pins.service';

const utf8 = new TextEncoder();

/** The line as pinned: cut to the contract's byte bound, whole characters only. */
export function boundedLine(text: string): string {
  if (utf8.encode(text).length <= PIN_LIMITS.lineBytes) return text;
  let cut = Math.min(text.length, PIN_LIMITS.lineBytes);
  while (utf8.encode(text.slice(0, cut)).length > PIN_LIMITS.lineBytes) cut--;
  return text.slice(0, cut);
}

/** A line and its pin match on stream and Docker timestamp (`LogLine.sortKey` is it without Z). */
function lineKey(source: string, sortKey: string): string {
  return `${source}|${sortKey}`;
}

/**
 * The pins of a log view's streams, found per line, and the one line being pinned (its note
 * being written). One per viewer.
 */
export class LinePins {
  readonly canPin: Signal<boolean>;
  /** The line whose note is being written, and its stream. */
  readonly pinning = signal<{ line: LogLine; stream: LogStream } | null>(null);
  readonly note = signal('');
  readonly error = signal<string | null>(null);
  readonly saving = signal(false);

  private readonly byLine = computed(() => {
    const map = new Map<string, Pin>();
    for (const stream of this.streams()) {
      const id = this.fullId(stream);
      if (id === null) continue;
      for (const pin of this.service.pinsOf(stream.hostId, id)())
        map.set(lineKey(stream.key, pin.ts.slice(0, -1)), pin);
    }
    return map;
  });

  constructor(
    private readonly service: PinsService,
    private readonly fleet: FleetStore,
    private readonly streams: Signal<readonly LogStream[]>,
  ) {
    this.canPin = service.canPin;
  }

  pinOf(line: LogLine): Pin | null {
    return line.timestamp === null
      ? null
      : (this.byLine().get(lineKey(line.source, line.sortKey)) ?? null);
  }

  start(line: LogLine): void {
    const stream = this.streams().find((s) => s.key === line.source);
    if (!stream || line.timestamp === null) return;
    this.pinning.set({ line, stream });
    this.note.set('');
    this.error.set(null);
  }

  cancel(): void {
    this.pinning.set(null);
  }

  async save(): Promise<void> {
    const target = this.pinning();
    const note = this.note().trim();
    if (!target || target.line.timestamp === null || this.saving()) return;
    const id = this.fullId(target.stream);
    if (id === null) {
      this.error.set('The container is not known yet: try again in a moment.');
      return;
    }
    if (note.length === 0) {
      this.error.set('Write a note first.');
      return;
    }
    const payload: PinLinePayload = {
      host_id: target.stream.hostId,
      container_id: id,
      ts: target.line.timestamp,
      line: boundedLine(target.line.plain),
      note,
      ...(target.line.lineNo === null ? {} : { line_no: target.line.lineNo }),
    };
    this.saving.set(true);
    try {
      await this.service.pin(payload);
      this.pinning.set(null);
    } catch (error: unknown) {
      this.error.set(error instanceof Error ? error.message : 'The line could not be pinned.');
    } finally {
      this.saving.set(false);
    }
  }

  private fullId(stream: LogStream): string | null {
    const found = this.fleet.find(stream.hostId, stream.containerRef)?.container_id;
    if (found) return found;
    return stream.containerId.length === 64 ? stream.containerId : null;
  }
}
