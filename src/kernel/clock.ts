import { Temporal } from 'temporal-polyfill';

/**
 * Time is a dependency: modules never read the wall clock, they take a Clock.
 * `today()` is the organization's calendar day in its time zone.
 */
export interface Clock {
  now(): Date;
  today(timeZone?: string): Temporal.PlainDate;
}

export const systemClock = (): Clock => ({
  now: () => new Date(),
  today: (timeZone = 'UTC') => Temporal.Now.plainDateISO(timeZone),
});

/**
 * A clock frozen on one calendar day (GUILDHALL_TODAY): the day stands still while the
 * time of day still moves, so sessions, throttles and job back-off keep working in demos.
 */
export const frozenDayClock = (day: Temporal.PlainDate): Clock => {
  const startReal = Date.now();
  const base = Date.parse(`${day.toString()}T12:00:00Z`);
  return {
    now: () => new Date(base + (Date.now() - startReal)),
    today: () => day,
  };
};

/** A clock that only moves when told to; for tests. */
export interface FakeClock extends Clock {
  set(instant: Date | string): void;
  advance(ms: number): void;
}

export const fakeClock = (start: Date | string = '2026-01-15T10:00:00Z'): FakeClock => {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    today: (timeZone = 'UTC') =>
      Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(timeZone).toPlainDate(),
    set: (instant) => {
      t = new Date(instant).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
};

export const isoNow = (clock: Clock): string => clock.now().toISOString();
