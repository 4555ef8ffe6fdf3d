import {
  Logger,
  type LoggerService,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { MetricsService } from '../metrics/metrics.service';
import { DAY_MS, expiryFinding } from './certificate-expiry';
import type { ProfileSigner } from './profile-signer';
import type { ProfileSignerSlot } from './profile-signer-slot';

/** Runs a task every `ms` milliseconds; returns what stops it. */
export type Repeat = (task: () => void, ms: number) => () => void;

/** setInterval, not keeping the process alive. */
export const repeatUnref: Repeat = (task, ms) => {
  const timer = setInterval(task, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface MonitorOptions {
  readonly now?: () => number;
  readonly repeat?: Repeat;
  readonly logger?: Pick<LoggerService, 'warn' | 'error'>;
}

/**
 * Watches the signing certificate's expiry: logs a warning at start-up and once a day
 * while it expires within 14 days (or is not valid yet), an error once a day after it
 * has expired (certificate-expiry.ts), and again whenever a reload puts in another
 * certificate; keeps automx2_signing_certificate_expiry_seconds pointed at the one in
 * use.
 */
export class SigningCertificateMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly now: () => number;
  private readonly repeat: Repeat;
  private readonly logger: Pick<LoggerService, 'warn' | 'error'>;
  private stop: (() => void) | null = null;

  constructor(
    private readonly slot: ProfileSignerSlot,
    private readonly metrics: Pick<MetricsService, 'setSigningCertificateExpiry'>,
    options: MonitorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.repeat = options.repeat ?? repeatUnref;
    this.logger = options.logger ?? new Logger('Mobileconfig');
    slot.onReplace((signer) => this.check(signer));
  }

  onApplicationBootstrap(): void {
    this.check(this.slot.current);
    this.stop = this.repeat(() => this.check(this.slot.current), DAY_MS);
  }

  onApplicationShutdown(): void {
    this.stop?.();
    this.stop = null;
  }

  private check(signer: ProfileSigner | null): void {
    this.metrics.setSigningCertificateExpiry(signer?.validTo ?? null);
    if (signer === null) return;
    const finding = expiryFinding(signer, this.now());
    if (finding?.level === 'error') this.logger.error(finding.message);
    else if (finding?.level === 'warn') this.logger.warn(finding.message);
  }
}
