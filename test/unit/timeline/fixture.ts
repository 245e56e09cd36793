import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recording } from '../../../src/shared/recording';

/** The committed scenario fixture (regenerate with test/fixtures/recordings/generate.ts). */
export const FIXTURE_PATH = join(__dirname, '..', '..', 'fixtures', 'recordings', 'small.timerscope.json');

export function loadFixture(): Recording {
  return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Recording;
}
