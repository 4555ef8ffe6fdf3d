import { Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { DomainEntity } from './domain.entity';

@Entity({ name: 'davserver' })
export class DavServerEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 128 })
  url!: string;

  @Column({ type: 'integer', default: 0 })
  port!: number;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ name: 'use_ssl', type: 'boolean' })
  useSsl!: boolean;

  @Column({ name: 'domain_required', type: 'boolean' })
  domainRequired!: boolean;

  @Column({ name: 'user_name', type: 'varchar', length: 64, nullable: true })
  userName!: string | null;

  @ManyToMany(() => DomainEntity)
  @JoinTable({
    name: 'davserver_domain',
    joinColumn: { name: 'davserver_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'domain_id', referencedColumnName: 'id' },
  })
  domains?: DomainEntity[];
}
