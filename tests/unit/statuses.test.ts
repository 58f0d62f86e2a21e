import { describe, expect, it } from 'vitest';
import { describeStatus, FAILURE_CODES, isStatusCode, statusNamed } from '../../lib/statuses.ts';

/** The contract's status table (docs/contract.md section 4): code, message, details. */
const TABLE = [
  ['0', 'STARTED', 'Lambda instance has been started.'],
  ['1', 'STOPPED', 'Lambda instance has been stopped.'],
  ['2', 'PENDING', 'Lambda instance installation is pending.'],
  ['3', 'STARTING', 'Lambda instance is starting.'],
  ['4', 'STOPPING', 'Lambda instance is stopping.'],
  ['5', 'DESTROYING', 'Lambda instance is being destroyed.'],
  ['6', 'DESTROYED', 'Lambda instance has been destroyed.'],
  ['7', 'SCALING_UP', 'Lambda instance is being scaled up.'],
  ['8', 'SCALING_DOWN', 'Lambda instance is being scaled down.'],
  ['9', 'FAILED', 'Lambda instance has failed.'],
  ['10', 'CLUSTER_CREATED', '~okeanos cluster has been successfully built.'],
  ['11', 'CLUSTER_FAILED', '~okeanos cluster build has failed.'],
  ['12', 'INIT_DONE', '~okeanos cluster has been successfully initialized.'],
  ['13', 'INIT_FAILED', '~okeanos cluster initialization has failed.'],
  ['14', 'COMMONS_INSTALLED', 'Common libraries have been successfully installed.'],
  ['15', 'COMMONS_FAILED', 'Common libraries installation has failed.'],
  ['16', 'HADOOP_INSTALLED', 'Apache Hadoop has been successfully installed and configured.'],
  ['17', 'HADOOP_FAILED', 'Apache Hadoop installation and configuration have failed.'],
  ['18', 'KAFKA_INSTALLED', 'Apache Kafka has been successfully installed and configured.'],
  ['19', 'KAFKA_FAILED', 'Apache Kafka installation and configuration have failed.'],
  ['20', 'FLINK_INSTALLED', 'Apache Flink has been successfully installed and configured.'],
  ['21', 'FLINK_FAILED', 'Apache Flink installation and configuration have failed.'],
  ['22', 'FLUME_INSTALLED', 'Apache Flume has been successfully installed and configured.'],
  ['23', 'FLUME_FAILED', 'Apache Flume installation and configuration have failed.'],
] as const;

describe('status codes', () => {
  it.each(TABLE)('code %s is %s: %s', (code, message, details) => {
    expect(isStatusCode(code)).toBe(true);
    expect(describeStatus(code)).toEqual({ message, details });
  });

  it.each(TABLE)('code %s is named by its code and by its message %s in any letter case', (code, message) => {
    expect(statusNamed(code)).toBe(code);
    expect(statusNamed(message)).toBe(code);
    expect(statusNamed(message.toLowerCase())).toBe(code);
  });

  it.each(['24', '-1', '011', 'STARTING_UP', '', 'constructor'])('%j names no status', (word) =>
    expect(statusNamed(word)).toBeUndefined(),
  );

  it('failed stands for every failure code: 9, 11, 13, 15, 17, 19, 21, 23', () => {
    expect(FAILURE_CODES.map(Number).sort((a, b) => a - b)).toEqual([9, 11, 13, 15, 17, 19, 21, 23]);
  });
});
