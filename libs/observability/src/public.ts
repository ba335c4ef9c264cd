import { SetMetadata } from '@nestjs/common';

/** Metadata key of routes that need no authentication (health endpoints, the dev token). */
export const PUBLIC_ROUTE = 'parley:public';

/** Marks a route or controller that needs no token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
