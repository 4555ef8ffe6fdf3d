/**
 * `console` and `dump`: what the modules log (console.error(e) when they skip a server,
 * their account-setup logger at its default level Warn) is collected per case instead
 * of printed, so stdout stays the runner's JSON.
 */
let lines = [];

const text = (value) =>
  value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)
    ? String(value.message)
    : String(value);

const recorder =
  (level) =>
  (...args) => {
    lines.push(`${level}: ${args.map(text).join(' ')}`);
  };
const ignore = () => {};

/** Gecko's console at maxLogLevel "Warn" (mail.setup.loglevel's default). */
function logger() {
  return {
    error: recorder('error'),
    warn: recorder('warn'),
    log: ignore,
    info: ignore,
    debug: ignore,
    trace: ignore,
  };
}

export const geckoConsole = { ...logger(), createInstance: logger };

export const dump = (message) => lines.push(`dump: ${String(message).trimEnd()}`);

/** The lines logged since the previous call. */
export function takeLog() {
  const taken = lines;
  lines = [];
  return taken;
}
