/** The registry's error type and its retry predicate, for the use cases (transport/ stays private to registry/). */
export { isTransient, RegistryError, type Diagnostic } from './transport/errors.js';
