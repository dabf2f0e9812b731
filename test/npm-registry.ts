/**
 * A small npm registry on 127.0.0.1 for the install test (test/cli/install.test.ts). Tests
 * may not use the network, nor the developer's npm cache, so the packed tokenjournal's
 * dependencies come from this checkout's own node_modules: every package that package.json
 * `dependencies` needs (transitively, nested versions included) is packed with `npm pack`,
 * and served with a packument listing the versions found, their manifests and the integrity
 * of the tarballs served.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';

type Manifest = Record<string, unknown> & { name: string; version: string };

export interface PackedDependency {
  manifest: Manifest;
  tarball: string;
}

export interface LocalRegistry {
  url: string;
  /** Paths asked for that the registry does not have (a dependency the walk missed). */
  misses: string[];
  close(): Promise<void>;
}

/** Where `name` resolves from a package directory (node's lookup, up to the project root). */
function resolveFrom(root: string, from: string, name: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    if (dir === root || dir === path.dirname(dir)) return null;
  }
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/**
 * The installed directories of everything `root`'s production dependencies need: their
 * dependencies, optional dependencies found installed, and peer dependencies (npm installs
 * those too) not marked optional.
 */
export function productionDependencyDirs(root: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string, manifest: Record<string, unknown>): void => {
    const wanted = (field: string): string[] => Object.keys((manifest[field] as Record<string, string> | undefined) ?? {});
    const optionalPeers = (manifest.peerDependenciesMeta as Record<string, { optional?: boolean }> | undefined) ?? {};
    const required = [...wanted('dependencies'), ...wanted('peerDependencies').filter((name) => !optionalPeers[name]?.optional)];
    const needs = [...required.map((name) => ({ name, optional: false })), ...wanted('optionalDependencies').map((name) => ({ name, optional: true }))];
    for (const { name, optional } of needs) {
      const at = resolveFrom(root, dir, name);
      if (at === null) {
        if (optional) continue;
        throw new Error(`${name} (needed by ${manifest.name as string}) is not installed under ${root}: run npm ci`);
      }
      if (found.has(at)) continue;
      found.add(at);
      walk(at, readManifest(at));
    }
  };
  walk(root, readManifest(root));
  return [...found];
}

/** `npm pack` of each directory into `dest` (one npm run), with the environment given. */
export async function packDirectories(dirs: string[], dest: string, env: Record<string, string | undefined>): Promise<PackedDependency[]> {
  mkdirSync(dest, { recursive: true });
  // --ignore-scripts: these are installed packages; their prepare scripts (if any) ran upstream.
  await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest, ...dirs], { env, extendEnv: false });
  return dirs.map((dir) => {
    const manifest = readManifest(dir);
    // npm pack names a tarball after the package: @scope/name -> scope-name-1.0.0.tgz.
    const tarball = path.join(dest, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
    if (!existsSync(tarball)) throw new Error(`npm pack of ${dir} did not write ${tarball}`);
    return { manifest, tarball };
  });
}

/**
 * Serves packuments at /<name> (scoped: /@scope%2fname, as npm asks) and tarballs at
 * /<name>/-/<file>.tgz. Every version of a name goes into its packument; dist-tags.latest is
 * one of them, which is enough: npm picks the highest version that satisfies a range.
 */
export async function serveRegistry(packages: PackedDependency[]): Promise<LocalRegistry> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const packuments = new Map<string, { name: string; 'dist-tags': { latest: string }; versions: Record<string, Manifest> }>();
  const tarballs = new Map<string, string>();
  for (const { manifest, tarball } of packages) {
    const bytes = readFileSync(tarball);
    const urlPath = `/${manifest.name}/-/${path.basename(tarball)}`;
    tarballs.set(urlPath, tarball);
    const packument = packuments.get(manifest.name) ?? { name: manifest.name, 'dist-tags': { latest: manifest.version }, versions: {} };
    packument.versions[manifest.version] = {
      ...manifest,
      dist: {
        tarball: `${url}${urlPath}`,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
      },
    };
    packuments.set(manifest.name, packument);
  }

  const misses: string[] = [];
  server.on('request', (req, res) => {
    const pathname = new URL(req.url ?? '/', url).pathname;
    const tarball = tarballs.get(pathname);
    const packument = tarball === undefined ? packuments.get(decodeURIComponent(pathname.slice(1))) : undefined;
    if (req.method === 'GET' && tarball !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(tarball));
    } else if (req.method === 'GET' && packument !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(packument));
    } else {
      misses.push(`${req.method} ${pathname}`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    }
  });

  return {
    url,
    misses,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
