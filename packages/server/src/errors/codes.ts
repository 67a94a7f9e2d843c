export * from '../../../sdk/src/core/error-codes.ts';
