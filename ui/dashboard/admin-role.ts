/** Whether this client's caller may load and unload versions, as the supergraph itself answers. */
import { useEffect, useState } from 'react';

import { CanManageVersionsDocument } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';

/**
 * Asks with CanManageVersions, which runs nothing: the supergraph checks roles on an operation's root fields before
 * planning and refuses a caller without the admin role (FORBIDDEN), while @skip leaves an admin's nothing to plan.
 * So the answer is the server's own rule, not a copy of it here. False until it answers, and on any error.
 */
export function useCanManageVersions(client: TypedClient | undefined): boolean {
  const [allowed, setAllowed] = useState(false);
  useEffect(() => {
    setAllowed(false);
    if (!client) return undefined;
    let current = true;
    client.request(CanManageVersionsDocument, {}).then(
      () => current && setAllowed(true),
      () => current && setAllowed(false),
    );
    return () => {
      current = false;
    };
  }, [client]);
  return allowed;
}
