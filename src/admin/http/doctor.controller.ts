import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  DEFAULT_TTL,
  dnsRecords,
  MAX_TTL,
  readHost,
  readTtl,
  type DnsOptions,
} from '../../cli/dns-records';
import type { HttpRequest } from '../../common/http-request';
import { AppConfigService } from '../../config/app-config.service';
import { DomainSettingsRepository } from '../../database/domain-settings.repository';
import { examineDomain } from '../../doctor/doctor-report';
import type { LiveCheckOptions } from '../../doctor/live/live-options';
import { liveRuns } from '../../doctor/live/live-runs';
import { domainLookupNames } from '../../mail-settings/domain-names';
import { AdminError } from '../admin-error';
import { RETRY_AFTER_SECONDS } from './admin-error-answer';
import { AdminStore } from '../admin-store';
import { ADMIN_CONTROLLER_BASE } from './admin-paths';
import { AdminRoutes, ApiDomainName, ApiErrors } from './admin-route.decorators';
import { DnsRecords, DoctorReport } from './openapi-models';
import { badParameter, domainName, singleQueryParam } from './request-params';
import { AdminAnswer } from './views';

/**
 * `/admin/api/v1/domains/{name}/findings` and `…/dns`: what the doctor says about a
 * domain (the rules, and the live checks on request) and the DNS records to publish
 * for it, as `automx2-nest doctor` and `automx2-nest dns` print them.
 */
@ApiTags('doctor')
@AdminRoutes()
@Controller(`${ADMIN_CONTROLLER_BASE}/domains`)
export class DoctorController {
  private readonly live: LiveCheckOptions;

  constructor(
    private readonly store: AdminStore,
    private readonly domains: DomainSettingsRepository,
    config: AppConfigService,
  ) {
    const { dnsServers, caFile, httpsPort, timeoutMs } = config.values.doctor;
    this.live = { dnsServers, caFile, httpsPort, timeoutMs };
  }

  @Get(':name/findings')
  @ApiOperation({
    summary: "The doctor's findings for a domain",
    description:
      'What each client will do with the stored settings that differs from what they say ' +
      '(docs/doctor.md). With `live=1` also the live checks (DNS, TLS, mail servers, LDAP), ' +
      'each network call bounded by `doctor_timeout` and the whole run by 30 s (or 3 timeouts). ' +
      'At most 2 live runs at once per process: another is answered 503 with Retry-After.',
  })
  @ApiDomainName()
  @ApiQuery({
    name: 'live',
    required: false,
    description: 'run the live checks too: 1/true or 0/false (default)',
    schema: { type: 'string', enum: ['0', '1', 'true', 'false'] },
  })
  @ApiOkResponse({ type: DoctorReport, description: 'The findings, errors first' })
  @ApiErrors(400, 404)
  async findings(@Req() request: HttpRequest, @Param('name') param: string): Promise<AdminAnswer> {
    const name = domainName(param);
    const live = liveFlag(singleQueryParam(request, 'live'));
    const view = await this.store.getDomain(name);
    if (view === null) throw notFound();
    if (!live) return new AdminAnswer(200, JSON.stringify(await examineDomain(view, null)));
    const release = liveRuns.tryAcquire();
    if (release === null) {
      throw new AdminError(503, 'too many live checks running; try again shortly', {
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      });
    }
    try {
      return new AdminAnswer(200, JSON.stringify(await examineDomain(view, this.live)));
    } finally {
      release();
    }
  }

  @Get(':name/dns')
  @ApiOperation({
    summary: 'The DNS records to publish for a domain',
    description:
      'Exactly the lines `automx2-nest dns` prints: RFC 6186/8314 and RFC 6764 SRV, TXT ' +
      '`path=`, `_autodiscover._tcp` SRV and the autoconfig/autodiscover CNAMEs.',
  })
  @ApiDomainName()
  @ApiQuery({
    name: 'target',
    required: false,
    description: 'the host serving automx2-nest (the CNAME target)',
    schema: { type: 'string' },
  })
  @ApiQuery({
    name: 'autodiscover_host',
    required: false,
    description: 'the host of the `_autodiscover._tcp` SRV (default autodiscover.<domain>)',
    schema: { type: 'string' },
  })
  @ApiQuery({
    name: 'ttl',
    required: false,
    description: 'TTL of every record, seconds',
    schema: { type: 'integer', minimum: 0, maximum: MAX_TTL, default: DEFAULT_TTL },
  })
  @ApiOkResponse({ type: DnsRecords, description: 'The records, in zone-file syntax' })
  @ApiErrors(400, 404)
  async dns(@Req() request: HttpRequest, @Param('name') param: string): Promise<AdminAnswer> {
    const name = domainName(param).trim().replace(/\.$/, '');
    const options = dnsOptions(request);
    const settings =
      name === '' ? null : await this.domains.findDomainWithServers(domainLookupNames(name));
    if (settings === null) throw notFound();
    const records = dnsRecords(settings, options);
    return new AdminAnswer(200, JSON.stringify({ domain: settings.domainName, records }));
  }
}

function notFound(): AdminError {
  return new AdminError(404, 'domain not found');
}

/** `?live=`: absent, 0 or false = the rules only; 1 or true = with the live checks. */
function liveFlag(value: string | undefined): boolean {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw badParameter('live', 'must be 0, 1, true or false');
}

/** The options of `automx2-nest dns`, refused as the command refuses them. */
function dnsOptions(request: HttpRequest): DnsOptions {
  return {
    ttl: ttlParam(singleQueryParam(request, 'ttl')),
    target: hostParam('target', singleQueryParam(request, 'target')),
    autodiscoverHost: hostParam(
      'autodiscover_host',
      singleQueryParam(request, 'autodiscover_host'),
    ),
  };
}

function ttlParam(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TTL;
  const ttl = readTtl(value);
  if (ttl === null) throw badParameter('ttl', `must be seconds from 0 to ${MAX_TTL}`);
  return ttl;
}

function hostParam(field: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const host = readHost(value);
  if (host === null) throw badParameter(field, 'must be a host name');
  return host;
}
