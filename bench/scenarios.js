'use strict';
/* The benchmarked requests and scenarios (issue 9). */
const { DOMAIN_PREFIX, DOMAIN_SUFFIX } = require('./seed-domains');

/** @typedef {import('./load').BenchRequest & { expectedStatus: number }} ScenarioRequest */

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} description
 * @property {{ weight: number, request: ScenarioRequest }[]} [entries]   fixed requests by weight
 * @property {{ before: string, after: string, count: number }} [spread]  random bench domains
 */

const OUTLOOK_REQUEST_BODY =
  '<?xml version="1.0" encoding="utf-8"?>\r\n' +
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">\r\n' +
  '  <Request>\r\n' +
  '    <EMailAddress>user@example.com</EMailAddress>\r\n' +
  '    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\r\n' +
  '  </Request>\r\n' +
  '</Autodiscover>\r\n';

/** @type {Record<'autoconfig' | 'autodiscover' | 'mobileconfig' | 'unknown', ScenarioRequest>} */
const REQUESTS = {
  autoconfig: {
    method: 'GET',
    path: '/mail/config-v1.1.xml?emailaddress=user@example.com',
    headers: {},
    expectedStatus: 200,
  },
  autodiscover: {
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    headers: { 'Content-Type': 'text/xml' },
    body: OUTLOOK_REQUEST_BODY,
    expectedStatus: 200,
  },
  mobileconfig: {
    method: 'GET',
    path: '/mobileconfig/?emailaddress=user@example.com',
    headers: {},
    expectedStatus: 200,
  },
  unknown: {
    method: 'GET',
    path: '/mail/config-v1.1.xml?emailaddress=user@unknown-domain.tld',
    headers: {},
    expectedStatus: 204,
  },
};

/** Scenario names in their default order; `autoconfig-spread` needs --domains. */
const SCENARIO_NAMES = ['autoconfig', 'autodiscover', 'mobileconfig', 'unknown', 'mixed'];
const SPREAD = 'autoconfig-spread';
/** `npm run bench -- soak`: a run of its own (bench/soak.js), never mixed with the others. */
const SOAK = 'soak';
/** `npm run bench -- memory-attack`: issue 14's memory attack (bench/memory-attack.js), alone. */
const MEMORY_ATTACK = 'memory-attack';
/** `npm run bench -- admin`: the admin API over N seeded domains (bench/admin.js), alone. */
const ADMIN = 'admin';

/**
 * @typedef {object} SoakEntry
 * @property {string} kind
 * @property {string} description
 * @property {number} weight       out of 400: 65 / 20 / 10 %, and 5 % split four ways
 * @property {ScenarioRequest} request
 * @property {boolean} malformed   part of the 5 % of unknown domains and malformed input
 */

/**
 * The soak's traffic (issue 7). `{LOCAL}` and `{DOMAIN}` are replaced per request (same
 * length, so Content-Length stays right; see load.js): every request asks for another
 * user, and every unknown-domain request for another domain, so that anything kept per
 * address or per domain would show up as growth.
 * @type {SoakEntry[]}
 */
const SOAK_MIX = [
  {
    kind: 'autoconfig',
    description: 'GET autoconfig, known domain',
    weight: 260,
    malformed: false,
    request: {
      method: 'GET',
      path: '/mail/config-v1.1.xml?emailaddress={LOCAL}@example.com',
      headers: {},
      expectedStatus: 200,
    },
  },
  {
    kind: 'autodiscover',
    description: 'POST autodiscover, Outlook request schema, text/xml',
    weight: 80,
    malformed: false,
    request: {
      ...REQUESTS.autodiscover,
      body: OUTLOOK_REQUEST_BODY.replace('user@example.com', '{LOCAL}@example.com'),
    },
  },
  {
    kind: 'mobileconfig',
    description: 'GET mobileconfig, known domain',
    weight: 40,
    malformed: false,
    request: {
      method: 'GET',
      path: '/mobileconfig/?emailaddress={LOCAL}@example.com',
      headers: {},
      expectedStatus: 200,
    },
  },
  {
    kind: 'unknown domain',
    description: 'GET autoconfig, a different unknown domain each time',
    weight: 5,
    malformed: true,
    request: {
      method: 'GET',
      path: '/mail/config-v1.1.xml?emailaddress={LOCAL}@{DOMAIN}.unknown-domain.tld',
      headers: {},
      expectedStatus: 204,
    },
  },
  {
    kind: 'malformed address',
    description: 'GET autoconfig for `a@b@c`',
    weight: 5,
    malformed: true,
    request: {
      method: 'GET',
      path: '/mail/config-v1.1.xml?emailaddress=a@b@c',
      headers: {},
      expectedStatus: 400,
    },
  },
  {
    kind: 'malformed XML',
    description: 'POST autodiscover, text/xml, mismatched end tags',
    weight: 5,
    malformed: true,
    request: {
      method: 'POST',
      path: '/autodiscover/autodiscover.xml',
      headers: { 'Content-Type': 'text/xml' },
      body:
        '<?xml version="1.0" encoding="utf-8"?>\r\n<Autodiscover><Request>' +
        '<EMailAddress>{LOCAL}@example.com</Request></EMailAddress>',
      expectedStatus: 400,
    },
  },
  {
    kind: 'wrong content type',
    description: 'POST autodiscover, the Outlook request as application/json',
    weight: 5,
    malformed: true,
    request: {
      ...REQUESTS.autodiscover,
      headers: { 'Content-Type': 'application/json' },
      body: OUTLOOK_REQUEST_BODY.replace('user@example.com', '{LOCAL}@example.com'),
      expectedStatus: 400,
    },
  },
];

/**
 * @param {string} name
 * @param {number | null} domains  --domains N, or null
 * @returns {Scenario}
 */
function scenario(name, domains) {
  switch (name) {
    case 'autoconfig':
      return {
        name,
        description: 'GET /mail/config-v1.1.xml?emailaddress=user@example.com (hot domain)',
        entries: [{ weight: 1, request: REQUESTS.autoconfig }],
      };
    case 'autodiscover':
      return {
        name,
        description:
          'POST /autodiscover/autodiscover.xml, Outlook request schema, user@example.com, Content-Type text/xml',
        entries: [{ weight: 1, request: REQUESTS.autodiscover }],
      };
    case 'mobileconfig':
      return {
        name,
        description: 'GET /mobileconfig/?emailaddress=user@example.com',
        entries: [{ weight: 1, request: REQUESTS.mobileconfig }],
      };
    case 'unknown':
      return {
        name,
        description: 'GET autoconfig for user@unknown-domain.tld (204)',
        entries: [{ weight: 1, request: REQUESTS.unknown }],
      };
    case 'mixed':
      return {
        name,
        description:
          '65 % autoconfig, 20 % autodiscover, 10 % mobileconfig, 5 % unknown, picked at random per request',
        entries: [
          { weight: 65, request: REQUESTS.autoconfig },
          { weight: 20, request: REQUESTS.autodiscover },
          { weight: 10, request: REQUESTS.mobileconfig },
          { weight: 5, request: REQUESTS.unknown },
        ],
      };
    case SPREAD:
      if (!domains) throw new Error(`${SPREAD} needs --domains N`);
      return {
        name,
        description: `GET autoconfig for user@${DOMAIN_PREFIX}<i>${DOMAIN_SUFFIX}, i uniformly random among ${domains.toLocaleString('en-US')} seeded domains`,
        spread: {
          before: `/mail/config-v1.1.xml?emailaddress=user@${DOMAIN_PREFIX}`,
          after: DOMAIN_SUFFIX,
          count: domains,
        },
      };
    default:
      throw new Error(`unknown scenario "${name}"`);
  }
}

module.exports = {
  scenario,
  SCENARIO_NAMES,
  SPREAD,
  SOAK,
  MEMORY_ATTACK,
  ADMIN,
  SOAK_MIX,
  REQUESTS,
};
