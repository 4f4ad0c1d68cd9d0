// Makes the pre-migrated PGlite template (see src/server/embedded/template.ts) in the folder
// given, from the checkout's migrations. The build runs it when it is done (astro.config.ts).
import { fileURLToPath } from 'node:url';
import { buildTemplate, schemaFilesOnDisk } from '../src/server/embedded/template.ts';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/build-template.ts OUT_DIR');
  process.exit(2);
}
await buildTemplate(out, schemaFilesOnDisk(fileURLToPath(new URL('..', import.meta.url))));
