import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'ldapserver' })
export class LdapServerEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ name: 'use_ssl', type: 'boolean' })
  useSsl!: boolean;

  @Column({ name: 'search_base', type: 'varchar', length: 128 })
  searchBase!: string;

  @Column({ name: 'search_filter', type: 'varchar', length: 128 })
  searchFilter!: string;

  @Column({ name: 'attr_uid', type: 'varchar', length: 32 })
  attrUid!: string;

  @Column({ name: 'attr_cn', type: 'varchar', length: 32, nullable: true })
  attrCn!: string | null;

  @Column({ name: 'bind_password', type: 'varchar', length: 128, nullable: true })
  bindPassword!: string | null;

  @Column({ name: 'bind_user', type: 'varchar', length: 128, nullable: true })
  bindUser!: string | null;
}
