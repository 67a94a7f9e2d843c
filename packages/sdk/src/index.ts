export { buildCategoryTree, type Catalog } from './catalog';
export { BOOK_SORTS, MAX_SEARCH_LENGTH } from './catalog/schemas';
export type * from './catalog/types';
export { type CokoClient, createCoko } from './client';
export {
  type ClientErrorCode,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  isErrorCode,
} from './core/error-codes';
export {
  AuthenticationError,
  CokoError,
  type CokoErrorCode,
  type CokoErrorInit,
  ConflictError,
  isCokoError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
  type ValidationIssue,
} from './core/errors';
export type { Page } from './core/pagination';
export type { AccessToken, AccessTokenFunction, Session } from './core/session';
export type { ApiRequestOptions, CokoOptions, HttpOptions, RequestOptions, Transport } from './core/transport';
export type { Database, Enums, Json, Tables, TablesInsert, TablesUpdate } from './database.types';
export type { Reading } from './reading';
export type * from './reading/types';
