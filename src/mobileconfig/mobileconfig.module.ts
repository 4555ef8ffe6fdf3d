import { Module } from '@nestjs/common';

/** Filled by the Mobileconfig routes. */
@Module({})
export class MobileconfigModule {}
