/**
 * Stand-in for Thunderbird's DNS.sys.mjs (ctypes calls into the resolver): every lookup
 * finds no records, so the conformance cases never depend on real DNS (Autodiscover's
 * `_autodiscover._tcp` SRV lookup and autoconfig's MX fallback then fail as for a domain
 * without such records).
 */
const none = () => Promise.resolve([]);

export const DNS = { srv: none, mx: none, txt: none, lookup: none };
