import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeTokenFromLocation } from '@/api';
import { App } from '@/app/App';
import './styles.css';

// Before anything renders: move `#token=…` into the tab's storage and out of the address bar.
takeTokenFromLocation();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
