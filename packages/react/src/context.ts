'use client';

import type { CokoClient } from '@coko/sdk';
import { createContext } from 'react';

/** Holds the `CokoClient` of the nearest `<CokoProvider>`. */
export const CokoContext = createContext<CokoClient | null>(null);
CokoContext.displayName = 'CokoContext';
