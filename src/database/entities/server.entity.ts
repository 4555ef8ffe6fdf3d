import { Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { DomainEntity } from './domain.entity';

@Entity({ name: 'server' })
export class ServerEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer', default: 10 })
  prio!: number;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ name: 'socket_type', type: 'varchar', length: 32, default: 'STARTTLS' })
  socketType!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 64, default: '%EMAILADDRESS%' })
  userName!: string;

  @Column({ type: 'varchar', length: 32, default: 'plain' })
  authentication!: string;

  @ManyToMany(() => DomainEntity)
  @JoinTable({
    name: 'server_domain',
    joinColumn: { name: 'server_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'domain_id', referencedColumnName: 'id' },
  })
  domains?: DomainEntity[];
}
