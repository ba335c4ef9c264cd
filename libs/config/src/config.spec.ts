import { z } from 'zod';
import { BaseEnv, ConfigError, DatabaseEnv, env, loadConfig } from './index';

describe('loadConfig', () => {
  const schema = BaseEnv.extend(DatabaseEnv.shape).extend({ PORT: env.port(8080), FLAG: env.bool(false) });

  it('applies defaults and coerces values', () => {
    const config = loadConfig(schema, { PORT: '9000', FLAG: 'yes' });
    expect(config.PORT).toBe(9000);
    expect(config.FLAG).toBe(true);
    expect(config.PARLEY_NAMESPACE).toBe('parley');
    expect(config.DATABASE_URL).toMatch(/^postgresql:/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every invalid variable', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', PARLEY_NAMESPACE: 'Bad Name', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('PARLEY_NAMESPACE');
    expect(problems).toContain('DATABASE_URL');
  });

  it('rejects unknown enum values', () => {
    expect(() => loadConfig(z.object({ LOG_LEVEL: BaseEnv.shape.LOG_LEVEL }), { LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });
});
