// The lambda instance status codes of the contract (docs/contract.md section 4): code -> [message, details].
const STATUSES = {
  '0': ['STARTED', 'Lambda instance has been started.'],
  '1': ['STOPPED', 'Lambda instance has been stopped.'],
  '2': ['PENDING', 'Lambda instance installation is pending.'],
  '3': ['STARTING', 'Lambda instance is starting.'],
  '4': ['STOPPING', 'Lambda instance is stopping.'],
  '5': ['DESTROYING', 'Lambda instance is being destroyed.'],
  '6': ['DESTROYED', 'Lambda instance has been destroyed.'],
  '7': ['SCALING_UP', 'Lambda instance is being scaled up.'],
  '8': ['SCALING_DOWN', 'Lambda instance is being scaled down.'],
  '9': ['FAILED', 'Lambda instance has failed.'],
  '10': ['CLUSTER_CREATED', '~okeanos cluster has been successfully built.'],
  '11': ['CLUSTER_FAILED', '~okeanos cluster build has failed.'],
  '12': ['INIT_DONE', '~okeanos cluster has been successfully initialized.'],
  '13': ['INIT_FAILED', '~okeanos cluster initialization has failed.'],
  '14': ['COMMONS_INSTALLED', 'Common libraries have been successfully installed.'],
  '15': ['COMMONS_FAILED', 'Common libraries installation has failed.'],
  '16': ['HADOOP_INSTALLED', 'Apache Hadoop has been successfully installed and configured.'],
  '17': ['HADOOP_FAILED', 'Apache Hadoop installation and configuration have failed.'],
  '18': ['KAFKA_INSTALLED', 'Apache Kafka has been successfully installed and configured.'],
  '19': ['KAFKA_FAILED', 'Apache Kafka installation and configuration have failed.'],
  '20': ['FLINK_INSTALLED', 'Apache Flink has been successfully installed and configured.'],
  '21': ['FLINK_FAILED', 'Apache Flink installation and configuration have failed.'],
  '22': ['FLUME_INSTALLED', 'Apache Flume has been successfully installed and configured.'],
  '23': ['FLUME_FAILED', 'Apache Flume installation and configuration have failed.'],
} as const satisfies Record<string, readonly [string, string]>;

export type StatusCode = keyof typeof STATUSES;

/** DESTROYED instances are kept (their details are served) but left out of the list. */
export const DESTROYED: StatusCode = '6';

export function isStatusCode(code: string): code is StatusCode {
  return Object.hasOwn(STATUSES, code);
}

export function describeStatus(code: StatusCode): { message: string; details: string } {
  const [message, details] = STATUSES[code];
  return { message, details };
}

const CODE_OF_MESSAGE = new Map<string, StatusCode>(
  Object.entries(STATUSES).map(([code, [message]]) => [message, code as StatusCode]),
);

/** The status a word names: its code ('11'), or its message in any letter case ('cluster_failed'). */
export function statusNamed(word: string): StatusCode | undefined {
  return isStatusCode(word) ? word : CODE_OF_MESSAGE.get(word.toUpperCase());
}

/** Every failure status (9, 11, 13, ..., 23): what the list's `status=failed` stands for. */
export const FAILURE_CODES: readonly StatusCode[] = [...CODE_OF_MESSAGE]
  .filter(([message]) => message.endsWith('FAILED'))
  .map(([, code]) => code);
