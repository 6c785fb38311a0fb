type Listener = NodeJS.UncaughtExceptionListener;
const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
// Node types each event's listener apart; here they are only compared and removed.
const listenersOf = (event: (typeof EVENTS)[number]): Listener[] => process.listeners(event as 'uncaughtException');

/**
 * Runs `init` and removes the process handlers it added. tfjs-backend-wasm's Emscripten glue installs
 * uncaughtException / unhandledRejection handlers that rethrow from inside its minified source: any uncaught error in
 * a program that merely uses the wasm backend then prints ~55 KB of that source and exits 7, where Node's own
 * handling prints the error with its stack and exits 1.
 */
export async function withoutAddedProcessHandlers<T>(init: () => Promise<T>): Promise<T> {
  const before = new Map(EVENTS.map((event) => [event, new Set(listenersOf(event))]));
  try {
    return await init();
  } finally {
    for (const event of EVENTS) {
      for (const listener of listenersOf(event))
        if (!before.get(event)!.has(listener)) process.off(event as 'uncaughtException', listener);
    }
  }
}
