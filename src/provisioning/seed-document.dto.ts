import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsPort, IsStorableText } from './field-rule.decorators';

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  yes: true,
  '1': true,
  false: false,
  no: false,
  '0': false,
};

/** JSON true/false, 0/1 and "yes"/"no"/"true"/"false"/"1"/"0" (any case); else left for IsBoolean. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string') return BOOLEAN_WORDS[value.trim().toLowerCase()] ?? value;
  return value;
}

export const MAIL_TYPES = ['imap', 'pop', 'smtp'] as const;
export const DAV_TYPES = ['caldav', 'carddav'] as const;
const isMail = (server: SeedServerDto) => (MAIL_TYPES as readonly string[]).includes(server.type);
const isDav = (server: SeedServerDto) => (DAV_TYPES as readonly string[]).includes(server.type);

export class SeedDomainDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  name!: string;

  @IsOptional()
  @IsInt()
  ldapserver_id?: number;
}

export class SeedLdapServerDto {
  @IsInt()
  id!: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  name!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  search_base!: string;

  @IsString()
  @MaxLength(128)
  @IsStorableText()
  bind_user!: string;

  @IsString()
  @MaxLength(128)
  @IsStorableText({ secret: true })
  bind_password!: string;

  @IsOptional()
  @IsInt()
  @IsPort('service')
  port?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  use_ssl?: boolean;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  search_filter?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @IsStorableText()
  attr_uid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  @IsStorableText()
  attr_cn?: string;
}

export class SeedServerDto {
  @IsString()
  @IsIn([...MAIL_TYPES, ...DAV_TYPES])
  type!: string;

  @ValidateIf(isMail)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  name?: string;

  @ValidateIf(isDav)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  url?: string;

  @IsOptional()
  @IsInt()
  @IsPort((server) => (isDav(server as SeedServerDto) ? 'dav' : 'service'))
  port?: number;

  @IsOptional()
  @IsInt()
  @Min(-2147483648)
  @Max(2147483647)
  prio?: number;
}

/** Seeding format version 2 (BEHAVIOUR.md §8). Unknown keys are ignored. */
export class SeedDocumentDto {
  @Equals(2, { message: 'version must be the integer 2' })
  version!: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsStorableText()
  provider!: string;

  @IsArray()
  @ArrayMinSize(1)
  // Nested validation alone lets an entry that is itself an array through: it
  // validates that array's items instead, and `[]` has none.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SeedDomainDto)
  domains!: SeedDomainDto[];

  @IsOptional()
  @IsArray()
  // Nested validation alone lets an entry that is itself an array through: it
  // validates that array's items instead, and `[]` has none.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SeedLdapServerDto)
  ldapservers?: SeedLdapServerDto[];

  @IsArray()
  @ArrayMinSize(1)
  // Nested validation alone lets an entry that is itself an array through: it
  // validates that array's items instead, and `[]` has none.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SeedServerDto)
  servers!: SeedServerDto[];
}
