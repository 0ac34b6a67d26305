// Routes. The agent console, the requester portal and the public survey page are separate
// chunks, so a requester's browser never downloads the console, and someone answering a survey
// neither (scripts/js-size.mjs prints each route's initial size).
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import LoginPage from './auth/LoginPage';
import { CALLBACK_PATH } from './auth/oidc';
import { homeFor, RequireAuth, useMe } from './auth/session';
import { Loading } from './ui/States';

const OidcCallback = lazy(() => import('./auth/OidcCallback'));
const AgentRoutes = lazy(() => import('./tickets/AgentRoutes'));
const PortalRoutes = lazy(() => import('./portal/PortalRoutes'));
const CsatPage = lazy(() => import('./csat/CsatPage'));

function Home() {
  const me = useMe();
  return me.data ? <Navigate to={homeFor(me.data)} replace /> : <Loading />;
}

export default function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path={CALLBACK_PATH} element={<OidcCallback />} />
        <Route path="/agent/*" element={<RequireAuth><AgentRoutes /></RequireAuth>} />
        <Route path="/portal/*" element={<RequireAuth><PortalRoutes /></RequireAuth>} />
        {/* public: the survey token in the path is the credential */}
        <Route path="/csat/:token" element={<CsatPage />} />
        <Route path="*" element={<RequireAuth><Home /></RequireAuth>} />
      </Routes>
    </Suspense>
  );
}
