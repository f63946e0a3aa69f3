import path from 'node:path';
import { ConfigError, loadConfig, parseDuration } from './config';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, then development defaults apply and the config is frozen', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ nodeEnv: 'development', port: 3000, mongodbUri: undefined, jwtTtlSeconds: 7200, logLevel: 'info' });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([['abc'], ['-1'], ['65536'], ['3000.5']])('when PORT=%s, then a ConfigError names PORT', (port) => {
    const err = errorOf(() => loadConfig({ PORT: port }));
    expect(err.variable).toBe('PORT');
    expect(err.message).toContain('PORT');
  });

  it('when NODE_ENV=production and JWT_SECRET is missing or short, then start-up is refused naming JWT_SECRET', () => {
    expect(errorOf(() => loadConfig({ NODE_ENV: 'production' })).variable).toBe('JWT_SECRET');
    expect(errorOf(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).variable).toBe('JWT_SECRET');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32));
  });

  it.each([
    ['MONGODB_URI', 'postgres://db'],
    ['JWT_TTL', 'tomorrow'],
    ['LOG_LEVEL', 'loud'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['ADMIN_PASSWORD', 'short'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['NODE_ENV', 'staging'],
  ])('when %s is invalid, then the error names it', (variable, value) => {
    expect(errorOf(() => loadConfig({ [variable]: value })).variable).toBe(variable);
  });

  it('when values are valid, then they are typed and normalised', () => {
    const config = loadConfig({
      PORT: '8080',
      MONGODB_URI: 'mongodb://db.internal:27017/exam',
      JWT_TTL: '15m',
      ADMIN_EMAIL: 'Root@Example.com',
      PUBLIC_URL: 'https://exam.example.com/',
      SEED_ON_START: 'false',
    });
    expect(config).toMatchObject({
      port: 8080,
      mongodbUri: 'mongodb://db.internal:27017/exam',
      jwtTtlSeconds: 900,
      adminEmail: 'root@example.com',
      publicUrl: 'https://exam.example.com',
      seedOnStart: false,
    });
  });

  it('when a variable is an empty string, then it counts as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' })).toMatchObject({ port: 3000, mongodbUri: undefined });
  });
});

describe('parseDuration', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['2h', 7200],
    ['1d', 86400],
    ['0', undefined],
    ['2 weeks', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });
});
