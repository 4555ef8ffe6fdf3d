/** Stand-in for Gecko's Timer.sys.mjs (an nsITimer wrapper): Node's own timers. */
export const { setTimeout, clearTimeout, setInterval, clearInterval } = globalThis;
