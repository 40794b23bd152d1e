import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeTokenFromDesktop, takeTokenFromLocation } from '@/api/session';
import { App } from '@/app/App';
import './styles.css';

// Before anything renders: move `#token=…` into the tab's storage and out of the address bar
// (browsers), or take the key from the desktop app's preload (no URL carries it there).
takeTokenFromLocation();
void takeTokenFromDesktop().finally(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
