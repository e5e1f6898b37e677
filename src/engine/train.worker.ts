/** The training worker: the in-thread engine, served over the worker's message port. */
import { LocalEngine } from './engine';
import { serve } from './serve';

serve(new LocalEngine({ env: 'browser' }), self);
