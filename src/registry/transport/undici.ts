/**
 * The parts of undici we use. Its entry loads all of it (fetch, WebSocket, caches, mocks): 45 ms of every
 * run's start, more than a hundred small blobs take to push. These paths are as public as its entry (undici
 * has no exports map) and are the objects the entry exports; their types are in undici-parts.d.ts.
 */
import api from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';

// What undici's entry does when it loads: give every dispatcher request(), connect() and the rest. Ours calls
// request(); undici's own proxy agent opens its tunnels with connect(). The same functions, so doing it twice
// (an application that also loads undici's entry from the same copy) changes nothing.
Object.assign(Dispatcher.prototype, api);

export { Agent, EnvHttpProxyAgent };
