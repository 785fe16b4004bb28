// The README's promise "Node 20.19+ (or 22.12+, 24+)" is package.json's `engines.node`: every
// installed package must accept every Node version in that range (or `npm install` warns with
// EBADENGINE, and a tool may not run), and this Node must be inside it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const projectRange: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node;

function installedPackages(dir: string, out: { name: string; version: string; engines?: { node?: string } }[] = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const at = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installedPackages(at, out);
      continue;
    }
    const manifest = path.join(at, 'package.json');
    if (existsSync(manifest)) out.push(JSON.parse(readFileSync(manifest, 'utf8')));
    if (existsSync(path.join(at, 'node_modules'))) installedPackages(path.join(at, 'node_modules'), out);
  }
  return out;
}

describe('Node versions', () => {
  it('this Node is one the project declares', () => {
    expect(semver.satisfies(process.version, projectRange), `${process.version} vs ${projectRange}`).toBe(true);
  });

  it('every installed package accepts every Node version the project declares', () => {
    const packages = installedPackages(path.join(root, 'node_modules'));
    expect(packages.length).toBeGreaterThan(100);
    const refusing = packages
      .filter((p) => p.engines?.node && !semver.subset(projectRange, p.engines.node))
      .map((p) => `${p.name}@${p.version} wants node ${p.engines!.node}`);
    expect(refusing).toEqual([]);
  });

  it('the README names the same versions', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const minimums = semver.validRange(projectRange)!.split('||').map((r) => semver.minVersion(r)!);
    const written = (v: semver.SemVer) => (v.minor === 0 && v.patch === 0 ? `${v.major}+` : v.patch === 0 ? `${v.major}.${v.minor}+` : `${v.version}+`);
    for (const v of minimums) expect(readme).toContain(`${written(v)}`);
  });
});
