"use client";

import { useEffect, useRef, useState } from "react";
import { useClient, type AnyVariables, type CombinedError, type DocumentInput } from "urql";

/**
 * A GraphQL subscription whose every event goes to `onEvent`, outside React's state updaters
 * (urql's `useSubscription` calls its handler inside one, where side effects do not belong).
 * Restarts when the variables change; returns the stream's error, if any.
 */
export function useStream<T, V extends AnyVariables>(
  query: DocumentInput<T, V>,
  variables: V,
  pause: boolean,
  onEvent: (data: T) => void,
): CombinedError | undefined {
  const client = useClient();
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  const key = JSON.stringify(variables);
  const [error, setError] = useState<{ key: string; error: CombinedError } | undefined>();
  useEffect(() => {
    if (pause) return;
    const { unsubscribe } = client.subscription<T, V>(query, JSON.parse(key) as V).subscribe((result) => {
      if (result.error) setError({ key, error: result.error });
      else if (result.data) handler.current(result.data);
    });
    return unsubscribe;
  }, [client, query, key, pause]);
  return error && error.key === key && !pause ? error.error : undefined;
}
