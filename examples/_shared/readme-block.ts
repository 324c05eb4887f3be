import * as fs from 'fs';
import * as path from 'path';

/**
 * The first TypeScript block under the README heading `## <heading>`, and the example app it must
 * equal word for word once the example's relative import of the library is replaced by the
 * package name (what a user would write).
 */
export function readmeBlockAndApp(heading: string, appFile: string): { block?: string; source: string } {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const block = new RegExp(`## ${heading}[\\s\\S]*?\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  const source = fs.readFileSync(appFile, 'utf8').replace("'../../lib'", "'cdk-agent-identity'");
  return { block, source };
}
