/**
 * What SummaryWriter needs of the writer of one event file: events are framed as TFRecords straight into the
 * writer's queue (beginRecord, then the data at the offset it returns in `buffer`, then endRecord), and flushed to
 * where the file lives. EventFileWriter writes a local file; S3EventFileWriter uploads to an s3:// prefix.
 */
export interface EventRecordWriter {
  readonly logDir: string;
  /** The event file (for S3, the first object of the series; see S3EventFileWriter). */
  readonly path: string;
  readonly closed: boolean;
  /** The queue buffer; valid until the next beginRecord. */
  readonly buffer: Uint8Array;
  readonly view: DataView;
  /** Events queued in memory, not yet handed to the OS or uploaded. */
  readonly queued: number;
  beginRecord(maxDataBytes: number): number;
  endRecord(dataBytes: number): void;
  writeEvent(data: Uint8Array): void;
  /** Starts writing everything queued now (locally: written when it returns). */
  flush(): void;
  /** flush(), then waits until what it flushed is stored (uploaded, for S3). */
  flushed(): Promise<void>;
  close(): Promise<void>;
}
