/**
 * Field filtering for responses: a client asks `?fields=id,title,variants(id,price)` and gets
 * only those fields. Parse per request (cheap; callers may cache by text), project once.
 */
export { parseFields, ProjectionError, type ProjectionErrorKind, type ProjectionLimits, type Selection } from './parse.js';
export { project, projectAt } from './project.js';
