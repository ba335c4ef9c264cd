/** Where the identity provider sends the browser back; the gateway serves the app at any such path. */
export const CALLBACK_PATH = '/auth/callback';

export const isOidcCallback = () => window.location.pathname === CALLBACK_PATH;
