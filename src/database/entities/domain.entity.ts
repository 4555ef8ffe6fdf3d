import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LdapServerEntity } from './ldapserver.entity';
import { ProviderEntity } from './provider.entity';

@Entity({ name: 'domain' })
export class DomainEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 128, unique: true })
  name!: string;

  @Column({ name: 'provider_id', type: 'integer' })
  providerId!: number;

  @ManyToOne(() => ProviderEntity, { nullable: false })
  @JoinColumn({ name: 'provider_id' })
  provider?: ProviderEntity;

  @Column({ name: 'ldapserver_id', type: 'integer', nullable: true })
  ldapserverId!: number | null;

  @ManyToOne(() => LdapServerEntity, { nullable: true })
  @JoinColumn({ name: 'ldapserver_id' })
  ldapserver?: LdapServerEntity | null;
}
