import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../src/config/config-keys';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SAMPLE = readFileSync(join(ROOT, 'contrib', 'automx2.conf.sample'), 'utf8');

describe('configuration keys', () => {
  it.each(Object.keys(CONFIG_KEYS))('%s is in the README table and the sample INI', (key) => {
    expect(README).toContain(`\`${key}\``);
    expect(SAMPLE).toMatch(new RegExp(`^#${key} =`, 'm'));
  });
});
