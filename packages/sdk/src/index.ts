export type { Account } from './account';
export type * from './account/types';
export type { Admin, AdminBooks, AdminResource } from './admin';
export type * from './admin/types';
export type * from './admin/upload-types';
export { buildCategoryTree, type Catalog } from './catalog';
export { BOOK_SORTS, MAX_SEARCH_LENGTH, MIN_SEARCH_LENGTH } from './catalog/schemas';
export type * from './catalog/types';
export { type CokoClient, createCoko } from './client';
export type { Community } from './community';
export type * from './community/discussion-types';
export type * from './community/group-types';
export type * from './community/moderation-types';
export type * from './community/review-types';
export type { ClientErrorCode, ErrorBody, ErrorCode } from './core/error-codes';
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
export type { Json } from './core/json';
export type { Page } from './core/pagination';
export type { AccessToken, AccessTokenFunction, Session } from './core/session';
export type { ApiRequestOptions, CokoOptions, HttpOptions, RequestOptions } from './core/transport';
export type { Engagement } from './engagement';
export type * from './engagement/types';
export type { Notifications } from './notifications';
export type * from './notifications/types';
export type { Payments } from './payments';
export type * from './payments/types';
export type { Reading } from './reading';
export type * from './reading/types';
