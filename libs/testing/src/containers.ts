import type { StartedTestContainer } from 'testcontainers';

/**
 * When no infrastructure URL is given and a container runtime answers, the tests run against throwaway
 * Postgres, Redis and NATS containers; without a runtime (our CI machines) they use the local servers.
 * Returns the environment to export to the test workers, or null when no runtime answers.
 */
export async function startInfraContainers(): Promise<{ env: Record<string, string>; stop: () => Promise<void> } | null> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return null;
  }
  const started: StartedTestContainer[] = [];
  try {
    const postgres = await new GenericContainer('postgres:15')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    started.push(postgres);
    const redis = await new GenericContainer('redis:7').withExposedPorts(6379).start();
    started.push(redis);
    const nats = await new GenericContainer('nats:2.10').withCommand(['-js']).withExposedPorts(4222).start();
    started.push(nats);
    return {
      env: {
        TEST_DATABASE_URL: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
        REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
        NATS_URL: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
      },
      stop: async () => {
        await Promise.all(started.map((c) => c.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((c) => c.stop().catch(() => undefined)));
    throw error;
  }
}
