export { systemClock, sleep, isoNow, type Clock } from './clock.js';
export { FakeClock } from './fake-clock.js';
