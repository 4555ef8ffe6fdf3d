import { describeBuild, readBuildInfo, type BuildInfoFiles } from './build-info';

function files(contents: Readonly<Record<string, string>>): BuildInfoFiles {
  return {
    packageJson: '/app/package.json',
    buildInfoJson: '/app/dist/build-info.json',
    read: (path) => {
      const text = contents[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
  };
}

describe(readBuildInfo.name, () => {
  it('takes the version from package.json and the commit from the build', () => {
    const info = readBuildInfo(
      files({
        '/app/package.json': '{"name": "automx2-nest", "version": "1.2.3"}',
        '/app/dist/build-info.json': '{"commit": "1a2b3c4"}',
      }),
    );
    expect(info).toEqual({ version: '1.2.3', commit: '1a2b3c4', node: process.version });
    expect(describeBuild(info)).toBe(
      `automx2-nest 1.2.3 (commit 1a2b3c4, Node.js ${process.version})`,
    );
  });

  it('says "unknown" for what the files do not tell', () => {
    expect(readBuildInfo(files({ '/app/dist/build-info.json': '{"commit": 7}' }))).toEqual({
      version: 'unknown',
      commit: 'unknown',
      node: process.version,
    });
    expect(readBuildInfo(files({ '/app/package.json': 'not json' })).version).toBe('unknown');
  });
});
