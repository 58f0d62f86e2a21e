// What `npm start` loads into DynamoDB Local (docs/contract.md section 6): the original service's example owner with
// the instances of both seed documents, and a second owner, so that tenancy can be seen locally.
import { digestToken } from '../lib/auth.ts';
import type { LambdaInstance, Timeline } from '../lib/items.ts';
import type { OperatorStore } from '../operators/store.ts';

export interface SampleToken {
  token: string;
  owner: string;
  label: string;
}

export const OWNER_ONE = 'b1f5c3d2-0000-4000-8000-000000000001';
export const OWNER_TWO = 'b1f5c3d2-0000-4000-8000-000000000002';

export const SAMPLE_TOKENS: SampleToken[] = [
  {
    token: 'tJ3b3f32f23ceuqdoS_TH7m0d6yxmlWL1r2ralKcttY',
    owner: OWNER_ONE,
    label: 'the original service example token',
  },
  { token: 'second-owner-dev-token-9f2c41d07b6e4a8c', owner: OWNER_TWO, label: 'second sample owner' },
];

const started = (uuid: string, id: number, name: string, owner = OWNER_ONE): LambdaInstance => ({
  uuid,
  id,
  name,
  owner,
  instanceInfo: {},
  status: '0',
  failureMessage: '',
  applications: [],
});

/** The details seed's example instance. */
export const SEED_DETAILS_INSTANCE: LambdaInstance = {
  uuid: '3f763964-d519-4fd2-916d-b5cfbe3b878b',
  id: 8,
  name: 'My first Lambda Instance',
  owner: OWNER_ONE,
  instanceInfo: {
    project_name: 'lambda.grnet.gr',
    master_name: 'lambda-master-2',
    vcpus_master: 4,
    network_request: 1,
    disk_slave: 20,
    slaves: 2,
    ram_slave: 4096,
    ram_master: 4096,
    vcpus_slave: 4,
    ip_allocation: 'master',
    disk_master: 20,
    master_node_id: 10000,
  },
  status: '11',
  failureMessage: 'Cyclades VMs out of limit\n',
  applications: [{ id: 'eb9b1cda-1c81-4850-92f3-897b01d4685c', name: 'project.jar', type: 'BATCH', started: true }],
};

export const SAMPLE_INSTANCES: LambdaInstance[] = [
  started('5a1c6f0e-2b7d-4c1e-9a3f-000000000001', 1, 'Physics Lambda Instance'),
  started('5a1c6f0e-2b7d-4c1e-9a3f-000000000003', 3, 'Machine Learning Lambda Instance'),
  started('5a1c6f0e-2b7d-4c1e-9a3f-000000000004', 4, 'Another Lambda Instance'),
  started('5a1c6f0e-2b7d-4c1e-9a3f-000000000005', 5, 'Lambda Instance'),
  started('5a1c6f0e-2b7d-4c1e-9a3f-000000000007', 7, 'Lambda Instance for students'),
  SEED_DETAILS_INSTANCE,
  { ...started('5a1c6f0e-2b7d-4c1e-9a3f-000000000009', 9, 'Destroyed Lambda Instance'), status: '6' },
  // The second owner's instances take ids 2 and 6, the holes in the first owner's list: ids are unique table-wide.
  started('7c2d8e1f-3a4b-4c5d-8e6f-000000000002', 2, 'Second owner Lambda Instance', OWNER_TWO),
  started('7c2d8e1f-3a4b-4c5d-8e6f-000000000006', 6, 'Second owner streaming Lambda Instance', OWNER_TWO),
];

/**
 * The details seed's instance as a build that failed: created (PENDING) a minute before the load, CLUSTER_FAILED at
 * it, so that include=history shows a path (docs/contract.md section 7.7). The others are created at the load.
 */
function withTimes(instance: LambdaInstance, now: number): LambdaInstance & Partial<Timeline> {
  if (instance.uuid !== SEED_DETAILS_INSTANCE.uuid) return instance;
  const [created, failed] = [new Date(now - 60_000).toISOString(), new Date(now).toISOString()];
  return {
    ...instance,
    createdAt: created,
    updatedAt: failed,
    statusHistory: [
      { code: instance.status, at: failed, failureMessage: instance.failureMessage },
      { code: '2', at: created, failureMessage: '' },
    ],
  };
}

/** Writes the sample tokens (as digests) and instances. */
export async function loadSampleData({ instances, tokens }: OperatorStore): Promise<void> {
  const now = Date.now();
  const createdAt = Math.floor(now / 1000);
  await Promise.all([
    instances.put(SAMPLE_INSTANCES.map((instance) => withTimes(instance, now))),
    tokens.putAll(
      SAMPLE_TOKENS.map(({ token, owner, label }) => ({
        digest: digestToken(token),
        owner,
        label,
        createdAt,
        revoked: false,
      })),
    ),
  ]);
}
