/**
 * The interfaces of the async-mutex API (MutexInterface, SemaphoreInterface and their Releaser
 * and Worker types), so code typed against async-mutex compiles against the drop-in unchanged.
 */
export interface MutexInterface {
  acquire(priority?: number): Promise<MutexInterface.Releaser>;
  runExclusive<T>(callback: MutexInterface.Worker<T>, priority?: number): Promise<T>;
  waitForUnlock(priority?: number): Promise<void>;
  isLocked(): boolean;
  release(): void;
  cancel(): void;
}

// eslint-disable-next-line @typescript-eslint/no-namespace -- async-mutex declares these namespaces; the drop-in keeps its types
export declare namespace MutexInterface {
  interface Releaser {
    (): void;
  }
  interface Worker<T> {
    (): Promise<T> | T;
  }
}

export interface SemaphoreInterface {
  acquire(weight?: number, priority?: number): Promise<[number, SemaphoreInterface.Releaser]>;
  runExclusive<T>(callback: SemaphoreInterface.Worker<T>, weight?: number, priority?: number): Promise<T>;
  waitForUnlock(weight?: number, priority?: number): Promise<void>;
  isLocked(): boolean;
  getValue(): number;
  setValue(value: number): void;
  release(weight?: number): void;
  cancel(): void;
}

// eslint-disable-next-line @typescript-eslint/no-namespace -- async-mutex declares these namespaces; the drop-in keeps its types
export declare namespace SemaphoreInterface {
  interface Releaser {
    (): void;
  }
  interface Worker<T> {
    (value: number): Promise<T> | T;
  }
}
