export { loadDemo, DEMO_PASSWORD, type DemoResult } from './load-demo.ts';
