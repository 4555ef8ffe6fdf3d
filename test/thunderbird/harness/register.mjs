/**
 * `node --import ./register.mjs run.mjs`: runs Thunderbird's account-setup modules,
 * unmodified, from THUNDERBIRD_DIR (one version's cache directory, as
 * scripts/fetch-thunderbird.sh fills it: omni/ is omni.ja unzipped).
 */
import { register } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installGeckoGlobals } from './gecko-globals.mjs';

const thunderbirdDir = process.env.THUNDERBIRD_DIR ?? '';
const omniDir = join(thunderbirdDir, 'omni');
if (!existsSync(join(omniDir, 'modules', 'accountcreation'))) {
  throw new Error(`THUNDERBIRD_DIR=${thunderbirdDir}: no omni/modules/accountcreation there`);
}
const standinsDir = fileURLToPath(new URL('./standins/', import.meta.url));

register('./hooks.mjs', import.meta.url, { data: { omniDir, standinsDir } });
installGeckoGlobals(omniDir);
